export { EXECUTOR_NAMES, ExecutorNameSchema, SlurmOptionsSchema, type ExecutorName, type SlurmOptions, type SlurmOptionsInput } from './config.ts';
export { SlurmError, isSlurmError } from './slurm/errors.ts';
export { bashQuote, arrayScript, jobScript, type ArrayTask } from './slurm/script.ts';
export { submitArray, submitJob, type SubmitCommon, type SubmittedArray, type SubmittedJob, type SubmittedTask } from './slurm/submit.ts';
export { jobStates, cancelJobs, describeState, parseSqueue, parseScontrol, parseSacct, type JobState } from './slurm/state.ts';
export { tailFile, latestLog } from './slurm/logs.ts';
export { waitForJobs, type WaitOptions } from './slurm/wait.ts';
export { clusterInfo, type ClusterInfo } from './slurm/info.ts';
export { registerExecutorOptions, slurmOptionsFromFlags, slurmFlagsWithoutSlurm, stripExecutorArgs, type ExecutorFlags } from './cli-options.ts';
