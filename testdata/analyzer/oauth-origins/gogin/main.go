package main

import (
	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.Default()
	r.Use(cors.New(cors.Config{
		AllowOrigins:     []string{"https://gin.example.com", "http://localhost:5173"},
		AllowCredentials: true,
	}))
	r.GET("/auth/callback", func(c *gin.Context) {})
	r.Run()
}
