export { applyDiff, diffCandidate, findTarget, type Diff, type Target } from './apply.js';
export { compareSpecs } from './compare.js';
export { formatReport } from './report.js';
export { BUMPS, CLASSES, RULES, classOf, highestClass, rulesTable, type Change, type ChangeClass, type RuleId } from './rules.js';
