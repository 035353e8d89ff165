// Runs the CLI with the given arguments in this process and prints its peak RSS (KB) on stderr
// at exit, for tests that bound a command's memory.
process.on('exit', () => process.stderr.write(`max-rss ${process.resourceUsage().maxRSS}\n`));
process.argv.splice(1, 1, 'src/cli/main.ts');
await import('../../src/cli/main.js');

export {};
