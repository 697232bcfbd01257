// `npm start`: boots the machine into the rv6 shell. Rv6 is not built yet; until it is, this
// says so and points at what runs today, instead of pretending.
const lines = [
  'RedLeaf.ts: rv6 does not boot yet.',
  '',
  'The rv6 shell arrives with the "Rv6 system" work, on top of the microkernel, the checker,',
  'signed domains, the driver domains and the rv6 file system (see the status table in README.md).',
  '',
  'What runs today:',
  '  npm test                   type check, lint, type-level tests and every suite',
  '  npm run bench -- heap      shared-heap costs beside raw typed-array access',
  '  npm run bench -- lang      hash-table language overhead: TypeScript against C',
  '  npm run bench -- hw        the NIC and NVMe models\' own ceilings',
];
console.log(lines.join('\n'));
