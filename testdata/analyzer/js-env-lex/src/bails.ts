// TypeScript's non-null assertion: the parser decides.
export const key = process.env.API_KEY! || "k";
