var builder = WebApplication.CreateBuilder(args);
builder.Services.AddControllers();
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.MapControllers();
app.Run();
