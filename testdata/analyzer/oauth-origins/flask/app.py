from flask import Flask
from flask_cors import CORS
from authlib.integrations.flask_client import OAuth

app = Flask(__name__)
oauth = OAuth(app)
# Wildcards ("*", "https://*.preview...") are patterns, not registrable origins.
CORS(app, origins=["https://app.example.com", "https://admin.example.com:8443", "*"])
CORS(app, resources={r"/api/*": {"origins": ["https://api-client.example.com", "https://*.preview.example.com"]}})


@app.route("/auth/callback")
def callback():
    token = oauth.auth0.authorize_access_token()
    return token
