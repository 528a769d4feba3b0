// Evaluate recorded requests against one identity policy with @cloud-copilot/iam-simulate, as AWS would
// (Action, Resource and Condition). stdin: {"policy": {...}, "account": "123456789012", "requests":
// [{"action", "resource", "context", "resourcePolicy"}]}; stdout: one result per request, in order: {"result", "errors"}.
'use strict'
const { runSimulation } = require('@cloud-copilot/iam-simulate')

async function evaluate(policy, account, request) {
  const response = await runSimulation({
    identityPolicies: [{ name: 'generated', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy || undefined,
    request: {
      action: request.action,
      principal: `arn:aws:iam::${account}:role/dynamo-contracts`,
      resource: { resource: request.resource, accountId: account },
      contextVariables: request.context || {}
    }
  }, {})
  if (response.resultType === 'error') return { result: 'Error', errors: response.errors }
  return { result: response.overallResult, errors: null }
}

async function main() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  const results = []
  for (const request of input.requests) results.push(await evaluate(input.policy, input.account, request))
  process.stdout.write(JSON.stringify(results))
}

main().catch((error) => { console.error(error); process.exit(1) })
