var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCors(options =>
{
    options.AddPolicy("spa", policy =>
    {
        policy.WithOrigins("https://spa.example.com", "https://beta.spa.example.com")
              .AllowAnyHeader();
    });
});
var app = builder.Build();
app.UseCors("spa");
app.Run();
