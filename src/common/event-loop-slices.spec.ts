import { forEachInSlices } from './event-loop-slices';

describe('forEachInSlices', () => {
  it('visits every item in order with its index', async () => {
    const visited: string[] = [];
    await forEachInSlices(
      ['a', 'b', 'c', 'd', 'e'],
      (item, index) => visited.push(`${index}${item}`),
      2,
    );
    expect(visited).toEqual(['0a', '1b', '2c', '3d', '4e']);
  });

  it('lets other work run between slices, not within one', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other'));
    await forEachInSlices([1, 2, 3, 4], (item) => order.push(String(item)), 2);
    expect(order).toEqual(['1', '2', 'other', '3', '4']);
  });

  it('runs a batch within one slice without yielding', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other'));
    await forEachInSlices([1, 2], (item) => order.push(String(item)), 2);
    order.push('done');
    expect(order).toEqual(['1', '2', 'done']);
  });
});
