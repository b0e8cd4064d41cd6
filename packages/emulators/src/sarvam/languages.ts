// The Indian languages Sarvam's speech endpoints serve, by BCP-47 code.

/** Language codes both REST speech endpoints accept. */
export const sarvamLanguages: readonly string[] = [
  'hi-IN',
  'bn-IN',
  'kn-IN',
  'ml-IN',
  'mr-IN',
  'od-IN',
  'pa-IN',
  'ta-IN',
  'te-IN',
  'en-IN',
  'gu-IN',
];
