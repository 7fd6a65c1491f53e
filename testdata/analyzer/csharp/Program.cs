using Stripe;
using Stripe.Checkout;
using SG = SendGrid;
using Microsoft.AspNetCore.Builder;

var builder = WebApplication.CreateBuilder(args);
var stripe = new StripeClient(Environment.GetEnvironmentVariable("STRIPE_SECRET_KEY"));
var sendgrid = new SG.SendGridClient(builder.Configuration["SENDGRID_API_KEY"]);
var domain = builder.Configuration["Auth0:Domain"];
var port = Environment.GetEnvironmentVariable("PORT") ?? "8080";
var app = builder.Build();
app.Run();
