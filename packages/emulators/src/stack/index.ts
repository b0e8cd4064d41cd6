// The local stack: every service of the system on one machine, on emulated providers.
export {
  callerResponses,
  serverLatencies,
  type CallerResponse,
  type ServerTurnLatency,
} from '../demo/latency.js';
export { ChildService, type ChildServiceOptions } from './child-service.js';
export { StackError, type StackErrorCode } from './errors.js';
export { parseEmulatorTable, type EmulatorTable } from './emulator-urls.js';
export { freePorts } from './free-port.js';
export {
  startLocalStack,
  type LocalStack,
  type LocalStackEvents,
  type LocalStackOptions,
  type ServiceName,
} from './local-stack.js';
export {
  StackApi,
  createUserWithCli,
  type CallDetail,
  type CallEventRecord,
  type CallTurn,
} from './stack-api.js';
export {
  ScriptedCallee,
  type AnsweredStream,
  type ScriptedCalleeEvents,
  type ScriptedCalleeOptions,
} from './scripted-callee.js';
export { PROVIDERS, providersWithoutCredentials, type Provider } from './stack-env.js';
export { binScript, workspaceRoot } from './workspace.js';
