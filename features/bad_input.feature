@bad-input
Feature: Answers that cannot be used are refused clearly
  A program or a person may give livertriage answers it cannot use. It then stops with exit status
  2 and one line that names the question, the value and what is allowed, never a traceback and
  never a silent guess.

  Scenario Outline: A value that is not allowed names the question and what is allowed
    When I give the answers file <answers>
    Then the command fails with exit status 2
    And the error message is one line naming "<question>"
    And the error message says "<allowed>"

    Examples:
      | answers                           | question | allowed                                    |
      | {"fever": "maybe"}                | fever    | true, false, "yes", "no", "unknown" or null |
      | {"jaundice": 1}                   | jaundice | true, false, "yes", "no", "unknown" or null |
      | {"age": 130}                      | age      | 0 to 120                                   |
      | {"age": "forty"}                  | age      | whole number of years                      |
      | {"night_sweats": {"often": true}} | night_sweats | "unknown" or null                      |

  Scenario Outline: A question that does not exist is named, with the closest one
    When I give the answers file <answers>
    Then the command fails with exit status 2
    And the error message is one line naming "<given>"
    And the error message says "did you mean "<closest>"?"

    Examples:
      | answers                 | given        | closest      |
      | {"fevr": "yes"}         | fevr         | fever        |
      | {"night_sweat": "yes"}  | night_sweat  | night_sweats |

  Scenario Outline: Input that is not an answers object is refused in one line
    When I give the answers file <answers>
    Then the command fails with exit status 2
    And the error message is one line naming "<problem>"

    Examples:
      | answers        | problem                |
      | [1, 2, 3]      | expected a JSON object |
      | {"fever":      | not valid JSON         |
      | {"age": NaN}   | NaN                    |
