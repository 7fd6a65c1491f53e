package main

import (
	"github.com/gin-gonic/gin"

	"example.com/shop/internal/http"
)

func main() {
	r := gin.Default()
	v1 := r.Group("/v1")
	http.Register(v1)
	r.GET("/healthz", func(c *gin.Context) { c.String(200, "ok") })
	r.Run()
}
