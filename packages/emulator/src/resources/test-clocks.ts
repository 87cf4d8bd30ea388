import { z } from "zod";
import { requireTestClock } from "../billing/test-clock-time.js";
import { advanceTestClock, createTestClock, deleteTestClock } from "../billing/test-clocks.js";
import { expandObject } from "../http/expand.js";
import {
  expandParam,
  formInteger,
  formString,
  listParamShape,
  parseParams,
} from "../http/params.js";
import { type ApiRequest, defineRoute } from "../http/route.js";
import { notEmulated } from "./common.js";
import { createListHandler, createRetrieveHandler } from "./crud.js";

/** `/v1/test_helpers/test_clocks`: Stripe's Test Clocks API (see billing/test-clocks.ts). */

const createSchema = z.strictObject({
  frozen_time: formInteger({ min: 0 }),
  name: formString().optional(),
  expand: expandParam(),
  customer: notEmulated().optional(),
});
const advanceSchema = z.strictObject({
  frozen_time: formInteger({ min: 0 }),
  expand: expandParam(),
});
const listSchema = z.strictObject({ ...listParamShape });

function createClock(request: ApiRequest) {
  const params = parseParams(createSchema, request.params);
  const clock = createTestClock(request, {
    frozenTime: params.frozen_time,
    name: params.name ?? null,
  });
  return expandObject(request.account, clock, params.expand);
}

function advanceClock(request: ApiRequest) {
  const params = parseParams(advanceSchema, request.params);
  const clock = advanceTestClock(request, request.pathParams.id ?? "", params.frozen_time);
  return expandObject(request.account, clock, params.expand);
}

function deleteClock(request: ApiRequest) {
  requireTestClock(request.account, request.pathParams.id ?? "");
  return deleteTestClock(request, request.pathParams.id ?? "");
}

const PATH = "/v1/test_helpers/test_clocks";

export const testClockRoutes = [
  defineRoute("POST", PATH, createClock),
  defineRoute(
    "GET",
    PATH,
    createListHandler("test_helpers.test_clock", PATH, listSchema, () => () => true),
  ),
  defineRoute("GET", `${PATH}/:id`, createRetrieveHandler("test_helpers.test_clock")),
  defineRoute("DELETE", `${PATH}/:id`, deleteClock),
  defineRoute("POST", `${PATH}/:id/advance`, advanceClock),
];
