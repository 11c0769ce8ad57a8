"""A CI gate on a JUnit file, as a job that uses junitparser writes one.

Reads the file with junitparser, prints what it counted as one JSON object
(cases by result, the suite's own counts, each case's classname and name)
and exits 1 when any case failed or errored, 0 otherwise. An unreadable
file is a parser error and ends the script with an exception (exit 1).

Usage: python3 gate.py REPORT.xml
"""

import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite


def suites_of(document):
    # A file may hold one <testsuite> or a <testsuites> of them.
    return [document] if isinstance(document, TestSuite) else list(document)


def main(path):
    counted = {"tests": 0, "passed": 0, "failures": 0, "errors": 0, "skipped": 0,
               "suite_failures": 0, "suite_errors": 0, "cases": []}
    for suite in suites_of(JUnitXml.fromfile(path)):
        counted["suite_failures"] += suite.failures or 0
        counted["suite_errors"] += suite.errors or 0
        for case in suite:
            counted["tests"] += 1
            results = case.result
            if any(isinstance(result, Error) for result in results):
                outcome = "errors"
            elif any(isinstance(result, Failure) for result in results):
                outcome = "failures"
            elif any(isinstance(result, Skipped) for result in results):
                outcome = "skipped"
            else:
                outcome = "passed"
            counted[outcome] += 1
            messages = [result.message for result in results if result.message]
            counted["cases"].append({"classname": case.classname, "name": case.name,
                                     "outcome": outcome, "message": messages[0] if messages else None})
    print(json.dumps(counted))
    return 1 if counted["failures"] or counted["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
