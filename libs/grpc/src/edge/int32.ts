/**
 * The range of a protobuf `int32`, the type ids, pages and counts travel as between the apps: a
 * number outside it would arrive as another.
 */
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
