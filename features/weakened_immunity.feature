@special-group @beyond-seed
Feature: A weakened immune system decides the urgency on its own
  After chemotherapy or radiotherapy, with a transplant, with untreated or advanced HIV, or on
  steroid tablets, the body's defences are low and an infection can become dangerous within hours.
  A fever, or in the weeks after cancer treatment even shivering or suddenly feeling unwell,
  outranks everything about the scan (clinical_facts_2 §1). livertriage asks about these groups
  right after the warning signs.

  Scenario: Fever within 6 weeks of chemotherapy is an emergency for the cancer team's line
    Given my answers are:
      | question                                                                                  | answer |
      | fever now or recently                                                                     | yes    |
      | chemotherapy or radiotherapy in the last 6 weeks, or immunotherapy in the last 12 months | yes    |
    When livertriage assesses my answers
    Then the urgency is "emergency"
    And the action mentions "cancer team's 24-hour line"
    And the action mentions "emergency department"
    And the recommendation mentions "cancer team's 24-hour line"
    And the urgency reasons name my answer about "chemotherapy or radiotherapy in the last 6 weeks, or immunotherapy in the last 12 months"

  Scenario: Suddenly feeling unwell after chemotherapy is an emergency even without a fever
    Given my answers are:
      | question                                                                                  | answer |
      | fever now or recently                                                                     | no     |
      | chemotherapy or radiotherapy in the last 6 weeks, or immunotherapy in the last 12 months | yes    |
      | suddenly feeling unwell, shivery or hot and cold                                          | yes    |
    When livertriage assesses my answers
    Then the urgency is "emergency"

  Scenario: Not knowing whether there is a fever after chemotherapy still means the cancer team today
    Given my answers are:
      | question                                                                                  | answer     |
      | fever now or recently                                                                     | don't know |
      | chemotherapy or radiotherapy in the last 6 weeks, or immunotherapy in the last 12 months | yes        |
    When livertriage assesses my answers
    Then the urgency is at least "urgent"
    And the action mentions "cancer team"

  Scenario Outline: A fever with a transplant, advanced HIV or steroid tablets means a doctor today
    Given my answers are:
      | question              | answer |
      | fever now or recently | yes    |
      | <group>               | yes    |
    When livertriage assesses my answers
    Then the urgency is at least "urgent"
    And the urgency reasons name my answer about "<group>"

    Examples:
      | group                                     |
      | an organ transplant                       |
      | HIV that is untreated, or a low CD4 count |
      | steroid tablets for more than 3 weeks     |
      | a weakened immune system                  |

  Scenario: Without a fever, a transplant alone is not a reason to hurry, but the team should know
    Given my answers are:
      | question              | answer |
      | fever now or recently | no     |
      | an organ transplant   | yes    |
    When livertriage assesses my answers
    Then the urgency is "routine"
    And the advice includes a piece about "keep their 24-hour number with you"

  Scenario: With hepatitis B, treatment that lowers the immune system is a question for the doctor
    Given my answers are:
      | question                                       | answer |
      | told of hepatitis B or C, or chronic hepatitis | yes    |
      | steroid tablets for more than 3 weeks          | yes    |
    When livertriage assesses my answers
    Then the questions to ask the doctor include one about "antiviral protection"
    And nothing in the assessment states a diagnosis or instructs about a medicine
