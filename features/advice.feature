@advice
Feature: Lifestyle advice
  The source text closes with lifestyle advice for everyone: avoid smoking and alcohol, and sleep
  well. Its section on healed lesions recommends a light, balanced diet. livertriage gives this
  advice in every report, adds advice that fits the person's answers, and never tells anyone to
  take, stop or dose a medicine.

  @seed-advice.1
  Scenario: Everyone is advised to avoid smoking and alcohol
    Given I have answered no questions
    When livertriage assesses my answers
    Then the advice includes "Avoid alcohol, to reduce the burden on the liver."
    And the advice includes "Avoid smoking."

  @seed-advice.2
  Scenario: Everyone is advised to sleep enough, and well
    Given I have answered no questions
    When livertriage assesses my answers
    Then the advice includes "Get enough sleep, and good-quality sleep: the source text says it helps the liver repair and regenerate."

  @seed-2.4
  Scenario: Everyone is advised to eat a light, balanced diet
    Given I answer "yes" to "an earlier injury, operation or biopsy of the liver"
    When livertriage assesses my answers
    Then the advice includes a piece about "Eat a light, balanced and nutritious diet"

  @seed-advice.1
  Scenario: Someone who drinks above low-risk limits hears why it matters most
    Given I answer "yes" to "drinking more than low-risk limits"
    When livertriage assesses my answers
    Then the advice includes a piece about "cutting down or stopping drinking"
    And the advice comes from the source text's closing paragraph

  @seed-advice.1
  Scenario: Someone who smokes is told where help is
    Given I answer "yes" to "smoking"
    When livertriage assesses my answers
    Then the advice includes a piece about "quitting smoking"

  Scenario: Advice about medicines only asks for a check, and never instructs
    Given I answer "yes" to "long-term medicines or herbal remedies that might harm the liver"
    When livertriage assesses my answers
    Then the advice includes a piece about "a doctor or pharmacist can check"
    And nothing in the assessment states a diagnosis or instructs about a medicine

  Scenario: Advice that does not fit the answers is left out
    Given I answer "no" to "long-term medicines or herbal remedies that might harm the liver"
    When livertriage assesses my answers
    Then the advice has no piece about "medicine"

  Scenario Outline: Vaccination is worth asking about with liver disease
    Given I answer "yes" to "<answer>"
    When livertriage assesses my answers
    Then the advice includes a piece about "hepatitis A and B vaccination"

    Examples:
      | answer                                          |
      | told the liver is cirrhotic or scarred          |
      | told of hepatitis B or C, or chronic hepatitis  |

  Scenario: A child's scan goes to the child's own doctor
    Given I answer "9" to "age in years"
    When livertriage assesses my answers
    Then the advice includes a piece about "paediatric team"

  Scenario Outline: The report lists questions worth asking the doctor
    Given I answer "yes" to "<answer>"
    When livertriage assesses my answers
    Then the questions to ask the doctor include one about "<topic>"

    Examples:
      | answer                                                         | topic                         |
      | told of hepatitis B or C, or chronic hepatitis                 | blood tests for hepatitis     |
      | close contact with TB, or lived where TB is common             | tuberculosis                  |
      | a belly swollen with fluid (ascites)                           | liver stiffness scan          |
      | cancer now or in the past                                      | earlier cancer                |
      | farms with sheep and dogs, or a known liver cyst or parasite   | hydatid                       |
      | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby            | chromosome                    |
