export const title = 'server (todo)';
export async function measure() { return {}; }
