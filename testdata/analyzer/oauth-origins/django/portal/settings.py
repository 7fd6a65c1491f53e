INSTALLED_APPS = ["corsheaders"]
CORS_ALLOWED_ORIGINS = [
    "https://portal.example.com",
    "https://portal.example.org",
]
# Not an allow-list: a CSRF setting with a URL must not become an origin.
CSRF_TRUSTED_ORIGINS_EXTRA = ["https://csrf-only.example.com"]
