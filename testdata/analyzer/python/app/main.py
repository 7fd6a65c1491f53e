import os
import stripe
import boto3.session as bs
from sendgrid import SendGridAPIClient
from firebase_admin import credentials, initialize_app
from os import environ, getenv

stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
client = stripe.StripeClient(os.getenv("PAYMENTS_TOKEN"))
sg = SendGridAPIClient(api_key=os.environ.get("SENDGRID_API_KEY"))
region = os.environ.get("AWS_REGION", "us-east-1")
s3 = boto3.client("s3")
debug = getenv("DEBUG") or False
name = environ["SERVICE_NAME"]
app = initialize_app(credentials.Certificate(os.environ["GOOGLE_APPLICATION_CREDENTIALS"]))
dynamic = os.environ[f"KEY_{region}"]
