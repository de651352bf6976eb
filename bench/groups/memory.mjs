export const title = 'memory (todo)';
export async function measure() { return {}; }
