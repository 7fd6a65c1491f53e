from flask import Flask

from .billing import bp

app = Flask(__name__)
app.register_blueprint(bp, url_prefix="/api/billing")
