@floor
Feature: How soon to see a doctor
  Warning signs come first, as in NHS Pathways. Whatever else is answered, the urgency never goes
  under the floor of the public contract, and every outcome ends with seeing a physician: there is
  no self-care level. The four levels are emergency (now), urgent (today), soon (within days) and
  routine (book an appointment to discuss the scan).

  @red-flag
  Scenario Outline: An emergency warning sign means emergency care now
    Given I answer "yes" to "<warning sign>"
    When livertriage assesses my answers
    Then the urgency is "emergency"
    And the urgency reasons name my answer about "<warning sign>"
    And the advice is to call the emergency number or go to an emergency department now
    And the recommendation tells me to see a physician

    Examples:
      | warning sign                                 |
      | vomiting blood or coffee-ground material     |
      | black, tarry stools                          |
      | new confusion or unusual drowsiness          |
      | belly pain so severe one cannot stay still   |
      | difficulty breathing                         |
      | a stiff neck with a severe headache          |

  @red-flag
  Scenario Outline: An emergency sign stays an emergency whatever else is answered
    Given my answers are:
      | question                                          | answer |
      | <warning sign>                                    | yes    |
      | earlier scans showed the same spots, unchanged    | yes    |
      | an earlier injury, operation or biopsy of the liver | yes  |
      | fever now or recently                             | no     |
    When livertriage assesses my answers
    Then the urgency is "emergency"

    Examples:
      | warning sign                                 |
      | vomiting blood or coffee-ground material     |
      | new confusion or unusual drowsiness          |

  @red-flag
  Scenario Outline: A same-day warning sign means seeing a doctor today
    Given my answers are:
      | question   | answer |
      | <first>    | yes    |
      | <second>   | yes    |
    When livertriage assesses my answers
    Then the urgency is "urgent"
    And the urgency reasons name my answer about "<first>"

    Examples: a single sign, or a pair that means more together
      | first                                     | second                                       |
      | yellow skin or yellow whites of the eyes  | persistent tiredness                         |
      | fever now or recently                     | shivering or shaking chills with the fever   |
      | fever now or recently                     | pain or discomfort in the upper right belly  |
      | coughing up blood                         | a cough lasting more than 3 weeks            |

  @beyond-seed
  Scenario: A fever with cirrhosis is an emergency
    Given my answers are:
      | question                                | answer |
      | fever now or recently                   | yes    |
      | told the liver is cirrhotic or scarred  | yes    |
    When livertriage assesses my answers
    Then the urgency is "emergency"
    And the urgency reasons name my answer about "told the liver is cirrhotic or scarred"

  @beyond-seed
  Scenario: A fluid-swollen belly that hurts is an emergency, fever or not
    Given my answers are:
      | question                                    | answer |
      | a belly swollen with fluid (ascites)        | yes    |
      | a swollen belly that is painful or tender   | yes    |
      | fever now or recently                       | no     |
    When livertriage assesses my answers
    Then the urgency is "emergency"

  Scenario Outline: Symptoms or a higher-risk background mean seeing a doctor within days
    Given I answer "yes" to "<answer>"
    When livertriage assesses my answers
    Then the urgency is "soon"
    And the urgency reasons name my answer about "<answer>"

    Examples: the contract's floor
      | answer                                               |
      | fever now or recently                                |
      | drenching night sweats                               |
      | weight loss without trying                           |
      | a cough lasting more than 3 weeks                    |
      | a belly swollen with fluid (ascites)                 |
      | an enlarged spleen                                   |
      | pain or discomfort in the upper right belly          |
      | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby  |
      | cancer now or in the past                            |
      | told the liver is cirrhotic or scarred               |

    Examples: risk factors the references add
      | answer                                               |
      | close contact with TB, or lived where TB is common   |
      | told of hepatitis B or C, or chronic hepatitis       |
      | drinking more than low-risk limits                   |
      | persistent tiredness                                 |
      | loss of appetite                                     |
      | abdominal bloating                                   |

  Scenario Outline: History alone, with no symptoms, means a routine appointment
    Given my answers are:
      | question                                  | answer |
      | <history>                                 | yes    |
      | fever now or recently                     | no     |
      | vomiting blood or coffee-ground material  | no     |
    When livertriage assesses my answers
    Then the urgency is "routine"

    Examples:
      | history                                                        |
      | an earlier injury, operation or biopsy of the liver            |
      | a treated liver abscess or infection                           |
      | tuberculosis (TB) in the past                                  |
      | smoking                                                        |
      | farms with sheep and dogs, or a known liver cyst or parasite   |
      | a weakened immune system                                       |
      | long-term medicines or herbal remedies that might harm the liver |
      | injected drugs, early blood transfusion, or grew up where hepatitis is common |
      | genetic or metabolic liver disease in the family               |
      | earlier scans showed the same spots, unchanged                 |

  @seed-intro.2
  Scenario: No symptoms and no risk factors still means discussing the scan with a physician
    Given I have answered no questions
    When livertriage assesses my answers
    Then the urgency is "routine"
    And the urgency reasons say calcification spots should always be discussed with a physician
    And the recommendation tells me to see a physician

  @seed-intro.2
  Scenario Outline: Every report ends with the recommendation to see a physician
    Given I answer "yes" to "<answer>"
    When I ask for the <format> report
    Then the report's last line is the recommendation to see a physician
    And the report notes that the source text advises seeking medical attention promptly

    Examples:
      | answer                                    | format   |
      | fever now or recently                     | text     |
      | vomiting blood or coffee-ground material  | Markdown |
      | smoking                                   | text     |
