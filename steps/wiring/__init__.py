"""Where the contract suite meets pytest: collecting .feature files, the terminal summary, JUnit and Cucumber
JSON, the readiness report's files, CI output, waivers, unknowns and verdicts, each wired by one module.
"""
