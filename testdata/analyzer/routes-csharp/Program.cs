using Stripe;

var app = WebApplication.CreateBuilder(args).Build();

app.MapPost("/webhooks/stripe", async (HttpRequest request) =>
{
    var json = await new StreamReader(request.Body).ReadToEndAsync();
    var stripeEvent = EventUtility.ConstructEvent(json, request.Headers["Stripe-Signature"], Environment.GetEnvironmentVariable("STRIPE_WEBHOOK_SECRET"));
    if (stripeEvent.Type == "payment_intent.succeeded")
    {
        return Results.Ok();
    }
    return Results.Ok();
});

app.Run();
