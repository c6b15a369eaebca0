import { useLeanAsyncResourceBind } from '@app/config';

// Tests run on the same runtime as the apps, which install this in runMain.
useLeanAsyncResourceBind();
