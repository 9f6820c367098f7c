@unknown
Feature: "Don't know" and questions not asked
  A person may not know an answer. "Don't know" is never evidence for or against a cause, and it
  never lowers the urgency: on a warning sign it raises it, because the sign could not be ruled
  out. A question left out was not asked; the report says which warning signs were not answered.

  Scenario: Not knowing anything gives the same causes as answering nothing
    Given my answers are:
      | question                                            | answer     |
      | fever now or recently                               | don't know |
      | drenching night sweats                              | don't know |
      | tuberculosis (TB) in the past                       | don't know |
      | told of hepatitis B or C, or chronic hepatitis      | don't know |
      | a belly swollen with fluid (ascites)                | don't know |
      | an earlier injury, operation or biopsy of the liver | don't know |
    When livertriage assesses my answers
    Then the possible causes are ranked as if those questions had not been asked
    And no possible cause has a reason that rests on an answer of "don't know"

  Scenario Outline: Not knowing about an emergency sign means seeing a doctor today
    Given I answer "don't know" to "<warning sign>"
    When livertriage assesses my answers
    Then the urgency is "urgent"
    And the report lists "<warning sign>" among the warning signs not answered

    Examples:
      | warning sign                                 |
      | vomiting blood or coffee-ground material     |
      | black, tarry stools                          |
      | new confusion or unusual drowsiness          |
      | belly pain so severe one cannot stay still   |
      | difficulty breathing                         |

  Scenario Outline: Not knowing about a same-day sign means seeing a doctor soon
    Given I answer "don't know" to "<warning sign>"
    When livertriage assesses my answers
    Then the urgency is "soon"

    Examples:
      | warning sign                               |
      | yellow skin or yellow whites of the eyes   |
      | coughing up blood                          |

  Scenario Outline: Changing an answer from no to don't know never lowers the urgency
    Given my answers are:
      | question                                       | answer |
      | <question>                                     | no     |
      | told of hepatitis B or C, or chronic hepatitis | yes    |
    When I change my answer about "<question>" to "don't know"
    Then the urgency is the same or higher than before

    Examples:
      | question                                     |
      | vomiting blood or coffee-ground material     |
      | yellow skin or yellow whites of the eyes     |
      | fever now or recently                        |
      | told the liver is cirrhotic or scarred       |

  Scenario: Warning signs that were never asked are pointed out
    Given I answer "no" to "vomiting blood or coffee-ground material"
    When livertriage assesses my answers
    Then the report lists "black, tarry stools" among the warning signs not answered
    And the report does not list "vomiting blood or coffee-ground material" among the warning signs not answered
