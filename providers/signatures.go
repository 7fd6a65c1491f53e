package providers

// Signatures is how a provider shows up in code. The analyzer consumes it;
// the provider packages declare it as plain data.
type Signatures struct{}
