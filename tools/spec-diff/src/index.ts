export { applyDiff, type Diff, diffCandidate, findTarget, type Target } from './apply.js';
export { compareSpecs } from './compare.js';
export { formatReport } from './report.js';
export {
  BUMPS,
  type Change,
  type ChangeClass,
  CLASSES,
  classOf,
  highestClass,
  RULES,
  type RuleId,
  rulesTable,
} from './rules.js';
