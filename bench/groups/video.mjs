export const title = 'video (todo)';
export async function measure() { return {}; }
