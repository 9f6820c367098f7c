@knowledge-base
Feature: The knowledge base is checked before anyone relies on it
  The rules are plain files a clinician can change. Every time they are loaded they are checked,
  and a mistake stops livertriage with a message naming the file, the rule and the problem, so a
  broken knowledge base never reaches a patient.

  Scenario: The knowledge base shipped with livertriage is clean
    When livertriage loads its own knowledge base
    Then it loads with no problem and no warning

  Scenario: A rule that names a question that does not exist
    Given a copy of the knowledge base with this change to "evidence.toml":
      | instead of                          | it reads                           |
      | when = { yes = ["night_sweats"] }   | when = { yes = ["night_sweat"] }   |
    When livertriage loads the copy
    Then loading fails, naming "evidence.toml", "tb.night_sweats" and "unknown question 'night_sweat'"

  Scenario: A typing mistake in the file
    Given a copy of the knowledge base with this change to "urgency.toml":
      | instead of             | it reads             |
      | level = "emergency"    | level = "emergency   |
    When livertriage loads the copy
    Then loading fails, naming "urgency.toml" and "TOML syntax error"

  Scenario: A mistyped SNOMED CT code
    Given a copy of the knowledge base with this change to "causes.toml":
      | instead of            | it reads              |
      | snomed = "19943007"   | snomed = "19943008"   |
    When livertriage loads the copy
    Then loading fails, naming "causes.toml", "cirrhosis", "19943008" and "is not a SNOMED CT concept id (its check digit is wrong)"

  Scenario: Two rules with the same id
    Given a copy of the knowledge base with this change to "evidence.toml":
      | instead of          | it reads                  |
      | id = "tb.fever"     | id = "tb.night_sweats"    |
    When livertriage loads the copy
    Then loading fails, naming "evidence.toml", "tb.night_sweats" and "duplicate rule id"

  Scenario: A rule without its source
    Given a copy of the knowledge base with this change to "advice.toml":
      | instead of                 | it reads   |
      | source = ["seed §advice"]  | weight = 1 |
    When livertriage loads the copy
    Then loading fails, naming "advice.toml", "advice.avoid_smoking" and "source: missing"

  Scenario: A change that would lower an emergency sign below the contract's floor
    Given a copy of the knowledge base with this change to "urgency.toml":
      | instead of                                                     | it reads                                                    |
      | level = "emergency"\nwhen = { yes = ["vomiting_blood"] }       | level = "soon"\nwhen = { yes = ["vomiting_blood"] }         |
    When livertriage loads the copy
    Then loading fails, naming "urgency.toml" and "the urgency floor is broken: vomiting_blood answered yes gives 'soon'"

  Scenario: Wording that states a diagnosis
    Given a copy of the knowledge base with this change to "advice.toml":
      | instead of              | it reads                            |
      | text = "Avoid smoking." | text = "You have liver disease."    |
    When livertriage loads the copy
    Then loading fails, naming "advice.toml", "advice.avoid_smoking" and "unsafe wording 'You have'"
