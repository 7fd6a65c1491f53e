package aws

import "github.com/patchbay-dev/patchbay/providers"

// CognitoCalls are the Cognito user-pools operations the resource types
// make (through the Cognito client in resources_cognito.go), each with the IAM action
// it needs on the user pool
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html:
// every operation below is authorized on the "userpool" resource,
// arn:${Partition}:cognito-idp:${Region}:${Account}:userpool/${UserPoolId}).
// RequiredActions, and so the credential form, derive from them;
// TestCallsDeclareActions records the operations the resource clients send
// to the fake and checks them against this table.
var CognitoCalls = providers.APICalls{
	{Op: "cognito-idp:CreateUserPoolClient", Needs: []string{"cognito-idp:CreateUserPoolClient"}},
	// DescribeUserPoolClient also runs before every update, since
	// UpdateUserPoolClient replaces the whole client.
	{Op: "cognito-idp:DescribeUserPoolClient", Needs: []string{"cognito-idp:DescribeUserPoolClient"}},
	{Op: "cognito-idp:UpdateUserPoolClient", Needs: []string{"cognito-idp:UpdateUserPoolClient"}},
	{Op: "cognito-idp:DeleteUserPoolClient", Needs: []string{"cognito-idp:DeleteUserPoolClient"}},
	// Lookup (adoption by name), and the branding type finding its client.
	{Op: "cognito-idp:ListUserPoolClients", Needs: []string{"cognito-idp:ListUserPoolClients"}},
	// The managed login branding type (provision_cognito.go).
	{Op: "cognito-idp:CreateManagedLoginBranding", Needs: []string{"cognito-idp:CreateManagedLoginBranding"}},
	{Op: "cognito-idp:DescribeManagedLoginBrandingByClient", Needs: []string{"cognito-idp:DescribeManagedLoginBrandingByClient"}},
	{Op: "cognito-idp:DeleteManagedLoginBranding", Needs: []string{"cognito-idp:DeleteManagedLoginBranding"}},
}

// CheckCalls are the calls of the credential check itself.
// sts:GetCallerIdentity needs no permission ("No permissions are required
// to perform this operation", API_GetCallerIdentity); the simulator needs
// iam:SimulatePrincipalPolicy on the principal, and is optional: without
// it the other permissions are reported unverifiable.
var CheckCalls = providers.APICalls{
	{Op: "sts:GetCallerIdentity"},
	{Op: "iam:SimulatePrincipalPolicy", Needs: []string{"iam:SimulatePrincipalPolicy"}},
}

// RequiredActions are the IAM actions Patchbay's calls need, and no more;
// the check asks IAM's policy simulator about them on the user pools.
var RequiredActions = CognitoCalls.Permissions()

// ExcessProbes are actions Patchbay never calls whose grant makes a leaked
// key far more dangerous; the check simulates them too and reports those
// allowed as excess. The simulator cannot list every granted action, so
// this is a sample, and the details say so.
var ExcessProbes = []string{
	"cognito-idp:DeleteUserPool", "cognito-idp:AdminCreateUser", "cognito-idp:AdminDeleteUser",
	"iam:CreateUser", "iam:CreateAccessKey", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:PassRole",
}
