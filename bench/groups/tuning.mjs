export const title = 'placeholder';
export async function measure() { return {}; }
