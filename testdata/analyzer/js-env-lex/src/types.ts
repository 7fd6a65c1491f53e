export const level: string = process.env.LOG_LEVEL || "info";
export function port(): number {
  return Number(process.env.PORT ?? 3000) / 2;
}
const dir = `${process.env.TMPDIR}`;
