@special-group @beyond-seed
Feature: Pregnancy has its own warning signs
  In pregnancy or in the weeks after birth, pain under the right ribs, a severe headache, problems
  with vision or yellowing can be signs of pre-eclampsia or another liver condition of pregnancy,
  which needs the maternity team the same day (clinical_facts_2 §3). Spots seen in an unborn baby
  are a different matter: the obstetric team looks after them.

  Scenario Outline: A warning sign in pregnancy means the maternity unit today
    Given my answers are:
      | question                                        | answer |
      | pregnant now, or gave birth in the last 6 weeks | yes    |
      | <sign>                                          | yes    |
    When livertriage assesses my answers
    Then the urgency is at least "urgent"
    And the action mentions "maternity"
    And the recommendation mentions "maternity"
    And the urgency reasons name my answer about "pregnant now, or gave birth in the last 6 weeks"

    Examples:
      | sign                                        |
      | pain or discomfort in the upper right belly |
      | a severe headache or problems with vision   |
      | yellow skin or yellow whites of the eyes    |

  Scenario: Pregnancy without a warning sign is not a reason to hurry, but the team should know
    Given my answers are:
      | question                                        | answer |
      | pregnant now, or gave birth in the last 6 weeks | yes    |
      | pain or discomfort in the upper right belly     | no     |
      | a severe headache or problems with vision       | no     |
      | age in years                                    | 30     |
    When livertriage assesses my answers
    Then the urgency is "routine"
    And the advice includes a piece about "tell your midwife or maternity team about the scan"

  Scenario: Spots seen in an unborn baby point to congenital calcification, for the obstetric team
    Given my answers are:
      | question                                             | answer |
      | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby  | yes    |
      | age in years                                         | 0      |
    When livertriage assesses my answers
    Then the cause listed first is "Congenital calcification"
    And the urgency is at least "soon"
    And no possible cause lists a medicine
    And the advice has no piece about "alcohol"
    And the text report says "written for the parent or carer"

  Scenario: A pregnant woman with a fever is asked about chills and a stiff neck
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
      | 30    |
      | n     |
      | n     |
      | n     |
      | n     |
      | y     |
      | n     |
    Then I was asked about "pregnant now, or gave birth in the last 6 weeks"
    And I was asked about "a severe headache or problems with vision"
    And I was asked about "shivering or shaking chills with the fever"
    And I was asked about "a stiff neck with a severe headache"
