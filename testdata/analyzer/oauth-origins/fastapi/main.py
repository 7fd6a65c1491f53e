from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://dashboard.example.com", "http://localhost:3000"],
    allow_credentials=True,
    allow_methods=["*"],
)


@app.get("/oauth/callback")
async def oauth_callback(code: str):
    return {"code": code}
