Feature: Possible causes of calcification spots on the liver
  The source text names five possible causes. For a typical story of each, livertriage lists that
  cause first, shows which answers point to it and the rule behind each, and still sends the
  person to a physician. A possible cause is never called a diagnosis.

  @seed-1
  Rule: Congenital calcification fits spots seen before birth or in a newborn

    Scenario: Spots seen on a pregnancy scan
      Given my answers are:
        | question                                             | answer |
        | spots seen on a pregnancy scan or in a newborn baby  | yes    |
        | age in years                                         | 0      |
      When livertriage assesses my answers
      Then the cause listed first is "Congenital calcification"
      And the reasons for "Congenital calcification" include my answer about "spots seen on a pregnancy scan or in a newborn baby"
      And the recommendation tells me to see a physician
      And nothing in the assessment states a diagnosis or instructs about a medicine

  @seed-2
  Rule: Healed lesions fit an earlier injury, with no symptoms and no change over time

    Scenario: A road accident years ago, and spots unchanged since
      Given my answers are:
        | question                                              | answer |
        | an earlier injury, operation or biopsy of the liver   | yes    |
        | earlier scans showed the same spots, unchanged        | yes    |
        | spots seen on a pregnancy scan or in a newborn baby   | no     |
        | fever now or recently                                 | no     |
        | weight loss without trying                            | no     |
        | pain or discomfort in the upper right belly           | no     |
        | persistent tiredness                                  | no     |
        | a belly swollen with fluid (ascites)                  | no     |
        | yellow skin or yellow whites of the eyes              | no     |
      When livertriage assesses my answers
      Then the cause listed first is "Healed lesions from an earlier injury or inflammation"
      And the reasons for "Healed lesions from an earlier injury or inflammation" include my answer about "an earlier injury, operation or biopsy of the liver"
      And the reasons for "Healed lesions from an earlier injury or inflammation" include my answer about "earlier scans showed the same spots, unchanged"
      And the urgency is "routine"
      And the recommendation tells me to see a physician

  @seed-3
  Rule: Chronic hepatitis is a condition a doctor may check for when hepatitis is known or likely

    Scenario: Hepatitis B mentioned years ago, with tiredness, poor appetite and bloating
      Given my answers are:
        | question                                        | answer |
        | told of hepatitis B or C, or chronic hepatitis  | yes    |
        | persistent tiredness                            | yes    |
        | loss of appetite                                | yes    |
        | abdominal bloating                              | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Chronic hepatitis"
      And the reasons for "Chronic hepatitis" include my answer about "told of hepatitis B or C, or chronic hepatitis"
      And the reasons for "Chronic hepatitis" include my answer about "persistent tiredness"
      And the urgency is "soon"
      And nothing in the assessment states a diagnosis or instructs about a medicine

  @seed-4
  Rule: Hepatic tuberculosis fits fever, night sweats and weight loss, above all after contact with TB

    Scenario: Fever, night sweats and weight loss after living with someone who had TB
      Given my answers are:
        | question                                            | answer |
        | fever now or recently                               | yes    |
        | drenching night sweats                              | yes    |
        | weight loss without trying                          | yes    |
        | close contact with TB, or lived where TB is common  | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Hepatic tuberculosis"
      And the reasons for "Hepatic tuberculosis" include my answer about "drenching night sweats"
      And the reasons for "Hepatic tuberculosis" include my answer about "close contact with TB, or lived where TB is common"
      And the urgency is at least "soon"
      And the recommendation tells me to see a physician

  @seed-5
  Rule: Cirrhosis is a condition a doctor may check for when there is ascites or an enlarged spleen

    Scenario: A swollen belly and an enlarged spleen, with liver disease in the family
      Given my answers are:
        | question                                          | answer |
        | a belly swollen with fluid (ascites)              | yes    |
        | an enlarged spleen                                | yes    |
        | genetic or metabolic liver disease in the family  | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Cirrhosis"
      And the reasons for "Cirrhosis" include my answer about "a belly swollen with fluid (ascites)"
      And the reasons for "Cirrhosis" include my answer about "an enlarged spleen"
      And the urgency is "soon"
      And nothing in the assessment states a diagnosis or instructs about a medicine
