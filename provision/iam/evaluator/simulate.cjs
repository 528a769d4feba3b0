// Evaluate IAM requests against identity policies with @cloud-copilot/iam-simulate, as AWS would (Action,
// Resource and Condition), in one run of node for a whole batch.
// stdin: {"requests": [{"principal", "account", "policies": {name: document}, "action", "resource", "context",
//         "resourcePolicy"}]}
// stdout: one result per request, in order: {"result", "errors", "denied_by", "missing_context"}:
//   result: Allowed, ImplicitlyDenied, ExplicitlyDenied or Error; denied_by: "policy:Sid" of each Deny statement
//   that matched; missing_context: condition keys the request lacks on a statement that matches its action and
//   resource and could change the result (an Allow's, when not allowed; any Deny's).
'use strict'
const { runSimulation } = require('@cloud-copilot/iam-simulate')

function conditionKeys(analysis) {
  const statement = analysis.statement
  return statement.conditions ? statement.conditions().map((c) => c.conditionKey()) : []
}

function describe(analysis) {
  const sid = analysis.statement.sid ? analysis.statement.sid() : undefined
  return `${analysis.policyId}:${sid || '(no Sid)'}`
}

function missingContext(identity, result, context) {
  const known = new Set(Object.keys(context).map((k) => k.toLowerCase()))
  const all = [...identity.allowStatements, ...identity.denyStatements, ...identity.unmatchedStatements]
  const decisive = all.filter((a) => a.actionMatch && a.resourceMatch &&
    (!a.statement.isAllow() || result !== 'Allowed'))
  const keys = decisive.flatMap(conditionKeys).filter((k) => !known.has(k.toLowerCase()))
  return [...new Set(keys)].sort()
}

async function evaluate(request) {
  const context = request.context || {}
  const response = await runSimulation({
    identityPolicies: Object.entries(request.policies).map(([name, policy]) => ({ name, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy || undefined,
    request: {
      action: request.action,
      principal: request.principal,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: context
    }
  }, {})
  if (response.resultType === 'error') {
    return { result: 'Error', errors: response.errors, denied_by: [], missing_context: [] }
  }
  const single = response.resultType === 'single' ? response.result : (response.results || [])[0]
  const identity = single && single.analysis && single.analysis.identityAnalysis
  if (!identity) return { result: response.overallResult, errors: null, denied_by: [], missing_context: [] }
  return {
    result: response.overallResult,
    errors: null,
    denied_by: identity.denyStatements.map(describe),
    missing_context: missingContext(identity, response.overallResult, context)
  }
}

async function main() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  const results = []
  for (const request of input.requests) results.push(await evaluate(request))
  process.stdout.write(JSON.stringify(results))
}

main().catch((error) => { console.error(error); process.exit(1) })
