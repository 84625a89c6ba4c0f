/**
 * The local AWS-compatible test endpoint, for tests and the benchmark:
 *   const srv = await startAwsServer({ account: referenceAccount({ extra: 330 }), latencyMs: 50 });
 *   // ztait probe --endpoint-url srv.url --region us-east-1 (fake credentials, no shared config)
 *   srv.received; srv.maxInFlight(); await srv.close();
 */
export { loadAccount, type Fault, type Faults, type FixtureAccount } from './account.js';
export { ACCOUNT, REGION, referenceAccount } from './reference.js';
export { memberAccount, type MemberOptions } from './fleet.js';
export { startAwsServer, type AwsTestServer, type ReceivedCall, type ServerOptions } from './server.js';
