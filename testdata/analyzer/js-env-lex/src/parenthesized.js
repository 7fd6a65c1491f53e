const p = (process.env.PARENS) || 'd';
