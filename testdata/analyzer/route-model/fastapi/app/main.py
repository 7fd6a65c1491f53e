from fastapi import FastAPI

from app.core.config import settings
from app.routers import hooks, items

app = FastAPI()
app.include_router(items.router, prefix="/api")
app.include_router(hooks.router, prefix=settings.API_V2_STR)


@app.get("/healthz")
def healthz():
    return {"ok": True}
