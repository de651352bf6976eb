export const title = 'cold (todo)';
export async function measure() { return {}; }
