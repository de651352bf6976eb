/** Renders bench/results.json as BENCHMARKS.md (placeholder; filled in below). */
export function renderMarkdown(results) {
  return `# Benchmarks\n\n\`\`\`json\n${JSON.stringify(results, null, 2)}\n\`\`\`\n`;
}
