package aws

// Tests run many unknown-key cases; the eventual-consistency retry is
// covered by TestFreshKeyRetry with a short delay.
func init() { FreshKeyRetryDelay = 0 }
