package http

import "github.com/gin-gonic/gin"

// Register adds the order routes under g.
func Register(g *gin.RouterGroup) {
	g.GET("/orders/:id", getOrder)
	g.DELETE("/orders/:id", deleteOrder)
}

func getOrder(c *gin.Context)    {}
func deleteOrder(c *gin.Context) {}
