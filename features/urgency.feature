@floor
Feature: How soon to see a doctor
  Warning signs come first, as in NHS Pathways. Whatever else is answered, the urgency never goes
  under the floor of the public contract, and every outcome ends with seeing a physician: there is
  no self-care level.

  @red-flag
  Scenario Outline: An emergency warning sign means emergency care now
    Given I answer "yes" to "<warning sign>"
    When livertriage assesses my answers
    Then the urgency is "emergency"
    And the urgency reasons name my answer about "<warning sign>"
    And the recommendation tells me to see a physician

    Examples:
      | warning sign                                 |
      | vomiting blood or coffee-ground material     |
      | black, tarry stools                          |
      | new confusion or unusual drowsiness          |
      | belly pain so severe one cannot stay still   |
      | difficulty breathing                         |

  @red-flag
  Scenario: Yellow skin or eyes means seeing a doctor today
    Given I answer "yes" to "yellow skin or yellow whites of the eyes"
    When livertriage assesses my answers
    Then the urgency is at least "urgent"

  @red-flag
  Scenario: Fever with shaking chills means seeing a doctor today
    Given I answer "yes" to "fever now or recently"
    And I answer "yes" to "shivering or shaking chills with the fever"
    When livertriage assesses my answers
    Then the urgency is at least "urgent"

  Scenario Outline: Symptoms or a higher-risk background mean seeing a doctor within days
    Given I answer "yes" to "<answer>"
    When livertriage assesses my answers
    Then the urgency is at least "soon"

    Examples:
      | answer                                               |
      | fever now or recently                                |
      | drenching night sweats                               |
      | weight loss without trying                           |
      | a cough lasting more than 3 weeks                    |
      | a belly swollen with fluid (ascites)                 |
      | an enlarged spleen                                   |
      | pain or discomfort in the upper right belly          |
      | spots seen on a pregnancy scan or in a newborn baby  |
      | cancer now or in the past                            |
      | told the liver is cirrhotic or scarred               |

  Scenario: No symptoms and no risk factors still means discussing the scan with a physician
    Given I have answered no questions
    When livertriage assesses my answers
    Then the urgency is "routine"
    And the recommendation tells me to see a physician

  Scenario: Not knowing about an emergency warning sign never lowers the urgency
    Given I answer "don't know" to "vomiting blood or coffee-ground material"
    When livertriage assesses my answers
    Then the urgency is at least "urgent"

  Scenario Outline: Every human-readable report ends with the recommendation to see a physician
    Given I answer "yes" to "fever now or recently"
    When I ask for the <format> report
    Then the report's last line is the recommendation to see a physician

    Examples:
      | format   |
      | text     |
      | Markdown |

  Scenario: An answer that is not allowed is refused with one clear line
    When I give the answers file {"fever": "maybe"}
    Then the command fails with exit status 2
    And the error message is one line naming "fever"
