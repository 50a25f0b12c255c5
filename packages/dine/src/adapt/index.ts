/** Adaptation: DINE's two stages (distillation, fine-tuning), the baselines, the teachers' memory. */
export { adaptiveLabelSmoothing, hardLabels, argMaxRow } from './adaptive_smoothing.js';
export { queryTeachers, queryTeachersWithinBudget, initialMemory, emaUpdate, ensembleMean } from './teacher_memory.js';
export type { BudgetedAnswers } from './teacher_memory.js';
export { distill } from './distill.js';
export type { DistillOptions, StageResult } from './distill.js';
export { finetune } from './finetune.js';
export type { FinetuneOptions, FinetuneResult, FinetuneSchedule } from './finetune.js';
export { adapt, ADAPT_METHODS, DEFAULT_FINETUNE_CONSISTENCY } from './methods.js';
export type { AdaptMethod, AdaptOptions, AdaptResult } from './methods.js';
