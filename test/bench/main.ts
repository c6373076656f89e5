// Benchmarks measure speed and memory targets (issue: monitoring). None exist yet.
console.log('no benchmarks yet');
