from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    API_V2_STR: str = "/api/v2"
    STRIPE_WEBHOOK_SECRET: str = ""


settings = Settings()
