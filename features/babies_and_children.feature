@special-group @beyond-seed
Feature: Babies and children have their own warning signs and their own doctors
  A fever in a baby under 3 months, or yellowing in the first day of life, needs emergency care
  (clinical_facts_2 §2). Any liver finding in a baby goes to the paediatric team within days. The
  report speaks to the parent or carer, and leaves out adult medicine lists and lifestyle advice.

  Scenario: A fever in a baby under 3 months is an emergency
    Given my answers are:
      | question                  | answer |
      | fever now or recently     | yes    |
      | age in years              | 0      |
      | a baby under 3 months old | yes    |
    When livertriage assesses my answers
    Then the urgency is "emergency"

  Scenario: A fever in a baby who may be under 3 months is treated as an emergency too
    Given my answers are:
      | question                  | answer     |
      | fever now or recently     | yes        |
      | age in years              | 0          |
      | a baby under 3 months old | don't know |
    When livertriage assesses my answers
    Then the urgency is "emergency"

  Scenario: A fever in an older baby means a doctor today
    Given my answers are:
      | question                  | answer |
      | fever now or recently     | yes    |
      | age in years              | 0      |
      | a baby under 3 months old | no     |
    When livertriage assesses my answers
    Then the urgency is "urgent"
    And the action mentions "the baby's doctor"
    And the recommendation mentions "the baby's doctor"

  Scenario: Yellowing in the first day of life is an emergency
    Given my answers are:
      | question                                               | answer |
      | yellow skin or yellow whites of the eyes               | yes    |
      | age in years                                           | 0      |
      | yellow skin that started in the first 24 hours of life | yes    |
    When livertriage assesses my answers
    Then the urgency is "emergency"

  Scenario: Any liver finding in a baby goes to the paediatric team within days
    Given my answers are:
      | question                                             | answer |
      | age in years                                         | 0      |
      | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby  | no     |
      | fever now or recently                                | no     |
    When livertriage assesses my answers
    Then the urgency is at least "soon"
    And the action mentions "paediatric team"
    And the recommendation mentions "paediatric team"
    And the questions to ask the doctor include one about "CMV"

  Scenario: A child's report is for the parent, without adult medicines or adult advice
    Given my answers are:
      | question                                   | answer |
      | age in years                               | 8      |
      | fever now or recently                      | yes    |
      | pain or discomfort in the upper right belly | yes    |
    When livertriage assesses my answers
    Then the urgency is at least "urgent"
    And no possible cause lists a medicine
    And the advice has no piece about "alcohol"
    And the advice has no piece about "smoking"
    And the text report says "written for the parent or carer"

  Scenario: A child answering the questionnaire is still asked every warning sign
    When I reply to the questionnaire, then answer no to everything else:
      | reply |
      | n     |
      | n     |
      | n     |
      | n     |
      | n     |
      | n     |
      | n     |
      | y     |
      | n     |
      | 9     |
    Then I was asked about "a stiff neck with a severe headache"
    And I was asked about "shivering or shaking chills with the fever"
    And I was not asked about "an earlier injury, operation or biopsy of the liver"
