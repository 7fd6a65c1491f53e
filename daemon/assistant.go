package daemon

import (
	"context"

	"connectrpc.com/connect"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/vault"
)

// assistantServer implements patchbayv1connect.AssistantServiceHandler.
// Credential intents are answered by the vault; other domains add theirs
// here as they land.
type assistantServer struct{ c *vault.Credentials }

func (a *assistantServer) Ask(ctx context.Context, req *connect.Request[patchbayv1.AskRequest], stream *connect.ServerStream[patchbayv1.AskResponse]) error {
	return a.c.Assist(ctx, req.Msg.GetQuestion(), func(r vault.Reply) error {
		out := &patchbayv1.AskResponse{Text: r.Text, Intent: r.Intent}
		for _, c := range r.Commands {
			out.Commands = append(out.Commands, &patchbayv1.SuggestedCommand{Title: c.Title, Command: c.Command, Arguments: c.Args})
		}
		return stream.Send(out)
	})
}
