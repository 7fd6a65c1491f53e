package providers

// CredentialSpec describes a provider's credential form and validation.
type CredentialSpec struct{}
